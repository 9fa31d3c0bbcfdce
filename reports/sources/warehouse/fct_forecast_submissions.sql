select * from marts.fct_forecast_submissions
