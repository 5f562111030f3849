"""python -m bench.campaigns --recipients N"""
from bench.campaigns.run import main

main()
