select * from marts.rep_pacing
