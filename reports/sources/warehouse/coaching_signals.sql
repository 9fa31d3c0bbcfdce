select * from marts.coaching_signals
