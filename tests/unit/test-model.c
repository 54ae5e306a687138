int dummy_11853;
