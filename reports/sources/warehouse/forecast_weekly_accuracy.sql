select * from marts.forecast_weekly_accuracy
