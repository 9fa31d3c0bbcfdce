select * from marts.team_performance
