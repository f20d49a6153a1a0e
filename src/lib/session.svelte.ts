import type { AuthRecord } from 'pocketbase';
import { pb } from './pocketbase';

export interface SessionUser {
	id: string;
	name: string;
	email: string;
	role: 'teacher' | 'coordinator';
}

function toUser(record: AuthRecord): SessionUser | null {
	if (!record || record.collectionName !== 'users') return null;
	return {
		id: record.id,
		name: String(record['name'] ?? ''),
		email: String(record['email'] ?? ''),
		role: record['role'] === 'coordinator' ? 'coordinator' : 'teacher'
	};
}

/** The signed-in teacher, reactive. */
class Session {
	user = $state<SessionUser | null>(toUser(pb.authStore.record));

	constructor() {
		pb.authStore.onChange((_token, record) => {
			this.user = toUser(record);
		});
	}

	async signIn(email: string, password: string): Promise<void> {
		await pb.collection('users').authWithPassword(email, password);
	}

	signOut(): void {
		pb.authStore.clear();
	}
}

export const session = new Session();
