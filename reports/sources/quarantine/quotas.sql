select * from quarantine.quotas
