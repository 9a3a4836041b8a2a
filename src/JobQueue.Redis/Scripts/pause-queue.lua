return redis.call('HSETNX', ARGV[1] .. 'paused', ARGV[2], ARGV[3])
