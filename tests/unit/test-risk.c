int dummy_11744;
