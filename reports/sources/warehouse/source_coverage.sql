select * from marts.source_coverage
