select * from marts.forecast_accuracy
