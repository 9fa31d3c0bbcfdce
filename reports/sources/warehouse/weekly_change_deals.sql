select * from marts.weekly_change_deals
