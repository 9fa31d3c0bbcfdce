select * from marts_restricted.pay_for_performance
