select * from marts.forecast_calls
