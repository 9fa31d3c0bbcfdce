select * from marts.forecast_projection
