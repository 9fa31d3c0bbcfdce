select * from marts.coaching_priorities
