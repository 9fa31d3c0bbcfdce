select * from quarantine.crm_export
