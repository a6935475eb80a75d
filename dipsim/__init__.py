"""dipsim: simulation and training toolkit for the DIP Conditional Caution pathway.

Models the May 2008 operational guidelines "Drug Interventions Programme:
Conditional Cautioning and the DIP Condition" (version 1.3).
"""

__version__ = "0.1.0"
