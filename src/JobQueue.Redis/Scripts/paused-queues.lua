return redis.call('HGETALL', ARGV[1] .. 'paused')
