select * from marts.pipeline_hygiene
