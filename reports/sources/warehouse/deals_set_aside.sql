select * from marts.deals_set_aside
