select * from marts.deals_set_aside_by_team
