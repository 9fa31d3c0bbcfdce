select * from marts.forecast_submitter_scores
