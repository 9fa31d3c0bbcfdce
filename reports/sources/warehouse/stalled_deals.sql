select * from marts.stalled_deals
