select * from marts.slipped_deals
