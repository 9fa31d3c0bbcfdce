select * from marts.pipeline_waterfall
