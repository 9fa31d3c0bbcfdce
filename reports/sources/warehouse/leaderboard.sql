select * from marts.leaderboard
