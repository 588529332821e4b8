"""Files a run is rendered into for people to look at: the browser replay."""
