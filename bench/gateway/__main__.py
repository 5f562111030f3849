"""python -m bench.gateway [--requests N] [--concurrency C] [--customers N]"""
from bench.gateway.run import main

main()
