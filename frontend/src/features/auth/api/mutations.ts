// TanStack Query mutations of signing in and out. Both drop every cached answer: what one user
// saw must not show for the next.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys';
import { signUpWithInvitation } from '../../workspaces/api/requests';
import { login, logout } from './requests';

/** Signs in; the user the server answers becomes `useMe`'s data at once. */
export function useSignIn(onSignedIn: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (user) => {
      queryClient.removeQueries();
      queryClient.setQueryData(queryKeys.me, user);
      onSignedIn();
    },
  });
}

/** A visitor with an invitation makes an account with its address, joins and is signed in. */
export function useSignUpWithInvitation(token: string, onSignedUp: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string }) => signUpWithInvitation(token, body),
    onSuccess: () => {
      queryClient.removeQueries();
      onSignedUp();
    },
  });
}

export function useSignOut(onSignedOut: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      queryClient.clear();
      onSignedOut();
    },
  });
}
