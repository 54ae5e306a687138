int dummy_14524;
