select * from marts.dim_rep
