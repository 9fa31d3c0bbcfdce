select * from quarantine.opportunities
