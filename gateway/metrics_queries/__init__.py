"""The dashboard's metrics in the graph: growth over a period (CustomerStats.growth), cohort retention
(customerCohorts) and the shop-wide activity feed (activity). Figures come from the customers service."""
