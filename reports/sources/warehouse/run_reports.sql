select * from marts.run_reports
