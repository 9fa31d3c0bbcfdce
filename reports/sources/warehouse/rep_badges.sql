select * from marts.rep_badges
