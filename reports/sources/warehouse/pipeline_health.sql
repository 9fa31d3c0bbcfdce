select * from marts.pipeline_health
