export default { default: {}, validator() {} };
