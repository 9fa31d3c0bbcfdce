select * from marts.ramp_cohorts
