select * from marts.fct_opportunities
