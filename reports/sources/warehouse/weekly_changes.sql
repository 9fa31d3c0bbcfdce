select * from marts.weekly_changes
