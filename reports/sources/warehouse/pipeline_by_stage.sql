select * from marts.pipeline_by_stage
