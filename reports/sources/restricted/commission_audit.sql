select * from marts_restricted.commission_audit
