// Passwords and password stems seen most often in public breach corpora. Any password of 12 or
// more characters that is one of these, or one of these stems padded with digits and symbols,
// is refused. Short ones are already refused by length.
export const COMMON_PASSWORDS: readonly string[] = [
  '123456789012', '1234567890123', '12345678901234', '123456123456', '111111111111', '000000000000',
  '123123123123', '121212121212', '987654321098', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'qwertyuiopas',
  'qwerty123456', 'qwertyuiop12', 'qwertyqwerty', 'asdfghjkl123', 'asdfasdfasdf', 'zxcvbnm12345',
  'password1234', 'password12345', 'password123456', 'passwordpassword', 'password1!password',
  'passw0rd1234', 'p@ssw0rd1234', 'p@ssword1234', 'iloveyou1234', 'iloveyouiloveyou', 'abcdefghijkl',
  'abcdefgh1234', 'abc123abc123', 'abcd1234abcd', 'aaaaaaaaaaaa', 'administrator', 'administrator1',
  'changeme1234', 'changemenow!', 'welcome12345', 'welcome2024!', 'welcome2025!', 'welcome2026!',
  'letmein12345', 'trustno1trustno1', 'football1234', 'baseball1234', 'sunshine1234', 'princess1234',
  'superman1234', 'starwars1234', 'dragon123456', 'monkey123456', 'shadow123456', 'master123456',
  'michael12345', 'jennifer1234', 'computer1234', 'internet1234', 'whatever1234', 'qazwsxedcrfv',
  'mypassword123', 'secretpassword', 'correcthorsebatterystaple', 'thisismypassword', 'summer2025!!',
  'winter2025!!', 'spring2026!!', 'autumn2026!!',
];

// Stems that make a weak password however many digits or symbols are added around them.
export const COMMON_STEMS: readonly string[] = [
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwerty', 'qwertyuiop', 'azerty', 'asdfgh', 'zxcvbn',
  'iloveyou', 'welcome', 'letmein', 'admin', 'administrator', 'changeme', 'haven', 'football',
  'baseball', 'sunshine', 'princess', 'superman', 'starwars', 'dragon', 'monkey', 'shadow', 'master',
  'secret', 'default', 'login', 'abc', 'abcdef', 'summer', 'winter', 'spring', 'autumn',
];
