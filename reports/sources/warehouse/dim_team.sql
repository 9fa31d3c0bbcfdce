select * from marts.dim_team
