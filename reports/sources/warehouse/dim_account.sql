select * from marts.dim_account
