int dummy_2324;
