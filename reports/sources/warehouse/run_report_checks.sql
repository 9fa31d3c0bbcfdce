select * from marts.run_report_checks
