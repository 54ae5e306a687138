int dummy_3984;
