select * from marts.forecast_range_coverage
