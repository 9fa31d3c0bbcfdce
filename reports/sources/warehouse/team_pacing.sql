select * from marts.team_pacing
