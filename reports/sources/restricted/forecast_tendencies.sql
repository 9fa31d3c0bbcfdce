select * from marts_restricted.forecast_tendencies
