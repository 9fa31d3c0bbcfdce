select * from marts.coaching_review_deals
