select * from marts.rep_performance
